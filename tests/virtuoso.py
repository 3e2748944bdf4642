"""A real Virtuoso for end-to-end tests: Debian's `virtuoso-opensource` (`virtuoso-t`, `isql-vt`) started on
127.0.0.1 at free ports with a database in a temporary directory, its virtuoso.ini made from the package's
own (paths and ports changed, the Conductor admin UI not installed, which saves ten seconds), and the account
bbfair publishes with set up as docs/sparql-servers.md says (the `setup_sql` text below is the same); stopped
afterwards."""

from __future__ import annotations

import configparser
import glob
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from webserver import free_port

USER = "bbfair"
PASSWORD = "bbfair-test-password"
#: the least-privilege account of docs/sparql-servers.md: SQL login (which /sparql-auth needs), the
#: SPARQL_UPDATE role and nothing else; anonymous readers get read-only graph permissions
SETUP_SQL = f"""DB.DBA.USER_CREATE ('{USER}', '{PASSWORD}');
GRANT SPARQL_UPDATE TO "{USER}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{USER}', 3);
"""


@dataclass
class Virtuoso:
    url: str  # the HTTP server, no trailing slash
    sql_port: int
    directory: Path

    def isql(self, sql: str) -> str:
        """Run SQL as dba (the test database's default password) with isql-vt; return its output."""
        done = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba"], input=sql, text=True,
                              capture_output=True, timeout=60)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql-vt failed: {done.stdout}{done.stderr}")
        return done.stdout


def missing() -> str | None:
    """Why Virtuoso cannot be started here, or None."""
    for tool in ("virtuoso-t", "isql-vt"):
        if shutil.which(tool) is None:
            return (f"Virtuoso is not installed ({tool} not found): `apt-get install virtuoso-opensource` "
                    "(Debian's package) to run these tests")
    if not glob.glob("/etc/virtuoso-opensource-*/virtuoso.ini"):
        return "Virtuoso's packaged virtuoso.ini (/etc/virtuoso-opensource-*/virtuoso.ini) is missing"
    return None


def make_ini(directory: Path, http_port: int, sql_port: int) -> str:
    """The package's virtuoso.ini with the database in `directory` and both servers on 127.0.0.1."""
    packaged = sorted(glob.glob("/etc/virtuoso-opensource-*/virtuoso.ini"))[-1]
    ini = configparser.ConfigParser(strict=False, interpolation=None, inline_comment_prefixes=(";",),
                                    comment_prefixes=(";", "#"))
    ini.optionxform = str  # type: ignore[assignment,method-assign]  # Virtuoso's keys are case-sensitive
    ini.read(packaged)
    db = str(directory)
    ini["Database"].update({"DatabaseFile": f"{db}/virtuoso.db", "ErrorLogFile": f"{db}/virtuoso.log",
                            "LockFile": f"{db}/virtuoso.lck", "TransactionFile": f"{db}/virtuoso.trx",
                            "xa_persistent_file": f"{db}/virtuoso.pxa"})
    ini["TempDatabase"].update({"DatabaseFile": f"{db}/virtuoso-temp.db",
                                "TransactionFile": f"{db}/virtuoso-temp.trx"})
    ini["Parameters"].update({"ServerPort": f"127.0.0.1:{sql_port}", "DirsAllowed": f"., {db}",
                              "VADInstallDir": f"{db}/vad"})  # empty: no Conductor to install at creation
    ini["HTTPServer"]["ServerPort"] = f"127.0.0.1:{http_port}"
    ini["URIQA"]["DefaultHost"] = f"127.0.0.1:{http_port}"
    ini.remove_section("Plugins")  # wiki hosting plugins: not needed
    (directory / "vad").mkdir(exist_ok=True)
    path = directory / "virtuoso.ini"
    with path.open("w") as handle:
        ini.write(handle)
    return str(path)


@contextmanager
def virtuoso_server(directory: Path) -> Iterator[Virtuoso]:
    """Start Virtuoso with a new database in `directory`, set up bbfair's account, stop it afterwards."""
    http_port, sql_port = free_port(), free_port()
    config = make_ini(directory, http_port, sql_port)
    log = (directory / "server.out").open("wb")
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", config], cwd=directory, stdout=log,
                            stderr=subprocess.STDOUT)
    server = Virtuoso(f"http://127.0.0.1:{http_port}", sql_port, directory)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {proc.returncode}: "
                                   f"{(directory / 'server.out').read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("Virtuoso did not answer within 120 s")
            time.sleep(0.2)
        server.isql(SETUP_SQL)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
