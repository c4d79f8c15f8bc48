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
