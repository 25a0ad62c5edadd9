/* uapress serve: reload when the edition changes (preview only; never in a built edition). */
(function () {
  var shown = "{{ version }}";
  var events = new EventSource("_events");
  events.addEventListener("reload", function (event) {
    if (event.data !== shown) { events.close(); location.reload(); }
  });
})();
