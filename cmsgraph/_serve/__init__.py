"""The machinery of ``cmsgraph serve`` (public API: :mod:`cmsgraph.server`).

Layered in one direction; each module imports only those after it in this list:

* :mod:`.protocol` — HTTP: routing, the SPARQL 1.1 Protocol, negotiation, refusals;
* :mod:`.worker` — one worker process: runs a query or builds a page;
* :mod:`.pool` — starts, times, kills and replaces the worker processes;
* :mod:`.pages` — the HTML: resource pages, home page, SPARQL editor, results table;
* :mod:`.facts` — what the store says about one IRI.

``protocol`` reaches ``worker`` only through ``pool``'s processes (by module name),
never by import.
"""
