// Booking pages show times in the business's time zone, named. When the visitor's browser is in
// another zone, this adds the visitor's own time next to each one and says which zone that is.
// Without JavaScript the pages stay complete: the business's zone and UTC offset are always shown.
(function () {
  "use strict";
  var note = document.getElementById("your-zone");
  if (!note || !window.Intl) {
    return;
  }
  var business = note.getAttribute("data-business-zone");
  var visitor = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!visitor || visitor === business) {
    return;
  }
  var dayIn = function (zone, moment) {
    return new Intl.DateTimeFormat("en-CA", {timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"})
      .format(moment);
  };
  // The page's language writes the times, and the page gives the sentences, translated.
  var language = document.documentElement.lang || undefined;
  var clock = new Intl.DateTimeFormat(language, {hour: "numeric", minute: "2-digit"});
  var dayAndClock = new Intl.DateTimeFormat(language, {weekday: "short", hour: "numeric", minute: "2-digit"});
  note.textContent = note.getAttribute("data-note").replace("{zone}", visitor);
  note.hidden = false;
  document.querySelectorAll("time[data-local]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) {
      return;
    }
    // Name the day when it is not the business's day (e.g. 9:00 AM in New York is 3:00 PM in
    // Paris, but 11:00 PM in Sydney is already the next day).
    var sameDay = dayIn(business, moment) === dayIn(visitor, moment);
    var local = document.createElement("span");
    local.className = "local-time";
    local.textContent = " (" + note.getAttribute("data-local").replace("{time}", (sameDay ? clock : dayAndClock).format(moment)) + ")";
    element.parentNode.insertBefore(local, element.nextSibling);
  });
})();
