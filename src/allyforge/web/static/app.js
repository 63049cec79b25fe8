// Live progress on a run page: poll the run's status and reload when it ends.
(function () {
  var box = document.getElementById("progress-box");
  if (!box) return;
  var id = box.getAttribute("data-run");
  var bar = document.getElementById("progress");
  var msg = document.getElementById("progress-message");
  function tick() {
    fetch("/api/runs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (run) {
        bar.value = run.progress || 0;
        bar.textContent = Math.round((run.progress || 0) * 100) + "%";
        msg.textContent = (run.message || run.status) + " (" + Math.round((run.progress || 0) * 100) + "%)";
        if (run.status === "queued" || run.status === "running") { setTimeout(tick, 700); }
        else { window.location.reload(); }
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  tick();
})();
