# bbfair as a container image: one process, no state of its own, configured by BBFAIR_* environment variables.
# Default command: a stateless replica serving the build files of /artifacts (written by `bbfair build
# --artifacts /artifacts`), unpacked into /cache. See docs/operations.md.
#
#   docker build -t bbfair .
#   docker run -p 8000:8000 -v "$PWD/artifacts:/artifacts:ro" bbfair

FROM python:3.12-slim AS wheel
WORKDIR /src
RUN pip install --no-cache-dir build==1.2.2
COPY pyproject.toml README.md ./
COPY bbfair ./bbfair
COPY shapes ./shapes
COPY vocab ./vocab
RUN python -m build --wheel --outdir /wheels

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BBFAIR_HOST=0.0.0.0 \
    BBFAIR_PORT=8000 \
    BBFAIR_ARTIFACTS=/artifacts \
    BBFAIR_CACHE=/cache/store \
    BBFAIR_LOG_JSON=1
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && groupadd --system --gid 10001 bbfair \
    && useradd --system --uid 10001 --gid bbfair --home-dir /cache --shell /usr/sbin/nologin bbfair \
    && mkdir -p /artifacts /cache /data && chown bbfair:bbfair /artifacts /cache
USER 10001:10001
WORKDIR /cache
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/ready', timeout=2)"]
ENTRYPOINT ["bbfair"]
CMD ["serve"]
