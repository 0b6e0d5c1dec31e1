// Where a ballot stands while choosing: the running total of a budget ballot, the number
// of plans against the round's minimum and maximum, and each theme's limits. The server
// renders every line (translated) and checks every rule again on submit, so the page
// works the same without this script; the script only fills in the numbers and shows or
// hides the lines. A plan is chosen when its checkbox is ticked or, on a ranking ballot,
// it has a place. Amounts are written as the server writes them (common.money.euros):
// "€ 12.300", cents only when there are any.
(function () {
  "use strict";
  var form = document.querySelector("[data-ballot]");
  if (!form) { return; }
  var lang = document.documentElement.lang || "nl";
  var minPlans = parseInt(form.getAttribute("data-min-plans") || "0", 10);
  var maxAttr = form.getAttribute("data-max-plans");
  var maxPlans = maxAttr === null ? null : parseInt(maxAttr, 10);
  var hasBudget = form.hasAttribute("data-budget");
  var budget = parseFloat(form.getAttribute("data-budget"));
  var count = document.getElementById("ballot-count");
  var tooFew = document.getElementById("ballot-too-few");
  var tooMany = document.getElementById("ballot-too-many");
  var themeLines = form.querySelectorAll("[data-theme-limit]");
  // The status box (#ballot-status) is the one live region: the <output> figures inside
  // it would otherwise each be announced again as live regions of their own.
  document.querySelectorAll("#ballot-status output").forEach(function (figure) {
    figure.setAttribute("aria-live", "off");
  });
  function euros(amount) {
    var cents = Math.round(amount * 100) % 100 !== 0;
    return "\u20ac\u00a0" + new Intl.NumberFormat(lang, {
      minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0,
      useGrouping: "always"
    }).format(amount);
  }
  function chosen() {
    var plans = [];
    form.querySelectorAll("input[data-cost], select[data-cost]").forEach(function (field) {
      if (field.tagName === "SELECT" ? field.value !== "" : field.checked) { plans.push(field); }
    });
    return plans;
  }
  function showBudget(sum) {
    var isOver = sum > budget;
    document.getElementById("ballot-total").textContent = euros(sum);
    document.getElementById("ballot-left").textContent = euros(budget - sum);
    document.getElementById("ballot-over-by").textContent = euros(sum - budget);
    document.getElementById("ballot-left-line").hidden = isOver;
    document.getElementById("ballot-over-line").hidden = !isOver;
    document.getElementById("ballot-over").hidden = !isOver;
  }
  function recount() {
    var plans = chosen();
    var sum = 0;
    var perTheme = {};
    plans.forEach(function (field) {
      var cost = parseFloat(field.getAttribute("data-cost"));
      var theme = field.getAttribute("data-theme");
      sum += cost;
      if (theme !== null) {
        perTheme[theme] = perTheme[theme] || { plans: 0, amount: 0 };
        perTheme[theme].plans += 1;
        perTheme[theme].amount += cost;
      }
    });
    if (hasBudget) { showBudget(sum); }
    if (count) { count.textContent = String(plans.length); }
    if (tooFew) { tooFew.hidden = plans.length >= minPlans; }
    if (tooMany) { tooMany.hidden = maxPlans === null || plans.length <= maxPlans; }
    themeLines.forEach(function (line) {
      var mine = perTheme[line.getAttribute("data-theme-limit")] || { plans: 0, amount: 0 };
      if (line.hasAttribute("data-max-plans")) {
        line.hidden = mine.plans <= parseInt(line.getAttribute("data-max-plans"), 10);
      } else {
        // Cents as whole numbers, so 0.1 + 0.2 is not over a limit of 0.30.
        var limit = Math.round(parseFloat(line.getAttribute("data-max-amount")) * 100);
        line.querySelector("output").textContent = euros(mine.amount);
        line.hidden = Math.round(mine.amount * 100) <= limit;
      }
    });
  }
  form.addEventListener("change", recount);
}());
