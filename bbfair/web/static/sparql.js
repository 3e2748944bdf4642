/* The SPARQL page's editor: YASGUI (vendored in /static/yasgui-<version>/) on this server's endpoint only,
   with the cookbook's saved queries opening in new tabs. Without JavaScript the page's plain form works. */
(function () {
  "use strict";
  var box = document.getElementById("yasgui");
  if (!box || !window.Yasgui) { return; }
  var Yasgui = window.Yasgui;
  var endpoint = new URL(box.getAttribute("data-endpoint"), window.location.href).href;
  var recipes = JSON.parse(document.getElementById("sparql-cookbook").textContent);
  var initial = JSON.parse(document.getElementById("sparql-initial").textContent);
  var byName = {};
  recipes.forEach(function (r) { byName[r.name] = r; });

  // Completion from the bundled prefix list and the query's own variables only: the class and property
  // completers ask the LOV service on another host.
  if (Yasgui.Yasqe && Yasgui.Yasqe.defaults) {
    Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  }
  box.hidden = false;
  var yasgui = new Yasgui(box, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "bbfair-sparql",
    populateFromUrl: false
  });
  ["class", "property"].forEach(function (name) {
    var tab = yasgui.getTab();
    if (tab && tab.getYasqe && tab.getYasqe()) { tab.getYasqe().disableCompleter(name); }
  });

  function openQuery(title, query) {
    var tab = yasgui.addTab(true, { name: title });
    tab.setEndpoint(endpoint);
    tab.setQuery(query);
    box.scrollIntoView({ behavior: "smooth", block: "start" });
    return tab;
  }
  if (initial) {
    var current = yasgui.getTab();
    if (current) { current.setEndpoint(endpoint); current.setQuery(initial); }
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-cookbook]"), function (link) {
    link.addEventListener("click", function (event) {
      var recipe = byName[link.getAttribute("data-cookbook")];
      if (!recipe) { return; }
      event.preventDefault();
      openQuery(recipe.title, recipe.query);
    });
  });
})();
