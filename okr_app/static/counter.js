/* Live "n / max characters" under each field with a length limit (the page works without it: the server
   refuses an over-long text beside the field, it never cuts it silently). */
document.querySelectorAll("[data-max]").forEach(function (input) {
  var note = document.getElementById(input.id + "-count");
  if (!note) { return; }
  var max = parseInt(input.getAttribute("data-max"), 10);
  function update() {
    var used = input.value.length;
    note.textContent = used + " / " + max.toLocaleString("en") + " characters" + (used > max ? " — too long" : "");
    note.classList.toggle("over", used > max);
  }
  input.addEventListener("input", update);
  update();
});

/* The "Find a key result" box above the "aligns to" picker narrows the list as one types: the options whose
   text, or whose group (objective and owner), holds every word. Without JavaScript its Find button asks the
   server for the same narrowed list (okrs.choices.matching_options). */
document.querySelectorAll("select[data-searchable]").forEach(function (select) {
  var box = document.querySelector('input[data-filters="' + select.id + '"]');
  if (!box) { return; }
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    select.querySelectorAll("option").forEach(function (option) {
      var group = option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
      var text = (option.textContent + " " + group).toLowerCase();
      option.hidden = option.value !== "" && !option.selected && !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  });
});
