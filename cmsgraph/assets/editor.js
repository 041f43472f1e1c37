/* The SPARQL editor of `cmsgraph serve`: YASGUI (vendored in assets/yasgui/), set up
   for this server only.

   - The endpoint is this server's own /sparql; no other endpoint is suggested.
   - Every named query opens as a tab named after it, its question as the tab's title
     and above the editor.
   - The prefixes of cmsgraph/namespaces.py are offered by the prefix autocompleter
     (typing "dcat:" adds its PREFIX line), and results show IRIs with them.
   - Nothing calls the web: the autocompleters that ask Linked Open Vocabularies
     (classes, properties) are switched off, and the prefix list is this server's,
     not prefix.cc's. The page's Content-Security-Policy allows only this server.

   The configuration comes from the JSON block #cmsgraph-editor written by the server
   (no inline script). */
(function () {
  "use strict";

  var source = document.getElementById("cmsgraph-editor");
  var root = document.getElementById("yasgui");
  if (!source || !root || typeof Yasgui === "undefined") {
    return;
  }
  var config = JSON.parse(source.textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var Yasqe = Yasgui.Yasqe;

  // Only completers that need no network: variables, and prefixes from our own list.
  var prefixLines = Object.keys(config.prefixes)
    .sort()
    .map(function (name) {
      return name + ": <" + config.prefixes[name] + ">";
    });
  Yasqe.registerAutocompleter(
    Object.assign({}, Yasqe.Autocompleters.prefixes, {
      persistenceId: null,
      get: function () {
        return Promise.resolve(prefixLines);
      },
    }),
    false
  );
  Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasqe.defaults.prefixCcApi = null;

  var yasgui = new Yasgui(root, {
    persistenceId: "cmsgraph-" + config.dataset,
    tabName: "Query",
    autofocus: true,
    copyEndpointOnNewTab: false,
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9",
    },
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
      keys: [],
    },
    yasqe: { value: config.example },
    yasr: {
      prefixes: config.prefixes,
      pluginOrder: ["table", "response"],
      defaultPlugin: "table",
    },
  });

  // Each named query once as a tab, and again only when the server's text of it
  // changed; a tab the user closed stays closed.
  var offeredKey = "cmsgraph-offered-" + config.dataset;
  var offered = {};
  try {
    offered = JSON.parse(window.localStorage.getItem(offeredKey) || "{}") || {};
  } catch (e) {
    offered = {};
  }
  var questions = {};
  config.queries.forEach(function (named) {
    var id = "query-" + named.name;
    questions[id] = named;
    if (offered[named.name] === named.text || yasgui.getTab(id)) {
      return;
    }
    yasgui.addTab(false, {
      id: id,
      name: named.name,
      yasqe: { value: named.text },
      requestConfig: { endpoint: endpoint },
    });
    offered[named.name] = named.text;
  });
  try {
    window.localStorage.setItem(offeredKey, JSON.stringify(offered));
  } catch (e) {
    /* private browsing: the tabs are offered again next time */
  }

  var caption = document.getElementById("question");
  function showQuestion() {
    var tab = yasgui.getTab();
    var named = tab ? questions[tab.getId()] : undefined;
    Object.keys(questions).forEach(function (id) {
      var link = document.getElementById("tab-" + id);
      if (link) {
        link.title = questions[id].name + ": " + questions[id].question;
      }
    });
    if (caption) {
      caption.textContent = named ? named.name + ": " + named.question : "";
    }
  }
  yasgui.on("tabSelect", function () {
    window.setTimeout(showQuestion, 0);
  });
  yasgui.on("tabAdd", function () {
    window.setTimeout(showQuestion, 0);
  });
  showQuestion();
  window.cmsgraphEditor = yasgui; // for the browser tests and the curious
})();
