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

/* A search box above a long select (the "aligns to" picker): typing keeps the options whose text, or
   whose group (objective and owner), contains every word typed. Without JavaScript the select is whole. */
document.querySelectorAll("select[data-searchable]").forEach(function (select) {
  var box = document.createElement("input");
  box.type = "search";
  box.placeholder = "Search key results, objectives or owners";
  box.setAttribute("aria-label", "Search the list below");
  box.setAttribute("aria-controls", select.id);
  select.parentNode.insertBefore(box, select);
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    select.querySelectorAll("option").forEach(function (option) {
      var group = option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
      var text = (option.textContent + " " + group).toLowerCase();
      option.hidden = option.value !== "" && !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  });
});
