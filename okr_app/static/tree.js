// Progressive enhancement of the cascade page: a "Show the N objectives aligned below" link loads
// that subtree as a server-rendered fragment and puts it in place of its objective. Without
// JavaScript the link opens the subtree's own page, which shows the same thing.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-fragment]");
  if (!link) return;
  var node = link.closest("details.node");
  if (!node) return;
  event.preventDefault();
  link.setAttribute("aria-busy", "true");
  fetch(link.getAttribute("data-fragment"), {credentials: "same-origin", headers: {"Accept": "text/html"}})
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    })
    .then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fresh = holder.querySelector("details.node");
      if (fresh) node.replaceWith(fresh);
    })
    .catch(function () { window.location.href = link.href; });
});
