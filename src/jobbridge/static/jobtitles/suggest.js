// Job-title suggestions: "选用" copies the chosen code into the occupation box named by
// data-target (the posting form's #id_occupation, the staff page's box), or adds it to a
// comma-separated list when data-append is set (the seeker form's 意向职业).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".jt-pick");
  if (!button) return;
  var input = document.getElementById(button.dataset.target);
  if (!input) return;
  if (button.dataset.append) {  // a comma-separated list (意向职业): add once, keep the rest
    var codes = input.value.split(/[,，]/).map(function (c) { return c.trim(); }).filter(Boolean);
    if (codes.indexOf(button.dataset.code) < 0) codes.push(button.dataset.code);
    input.value = codes.join(",");
  } else {
    input.value = button.dataset.code;
  }
  input.dispatchEvent(new Event("change", { bubbles: true }));
  document.querySelectorAll(".jt-pick[aria-pressed]").forEach(function (b) { b.removeAttribute("aria-pressed"); });
  button.setAttribute("aria-pressed", "true");
});
