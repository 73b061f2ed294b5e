/* The reception laptop's camera (getUserMedia) for a person's photo, and the slip's print button.
   No library: a <video> shows the camera, a <canvas> takes one frame as JPEG, and the form posts it
   like a chosen file, so a laptop without a camera still works with the file input. */
(function () {
  "use strict";

  function stop(video) {
    var stream = video.srcObject;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    video.srcObject = null;
  }

  function setUp(form) {
    var video = form.querySelector("video");
    var start = form.querySelector("[data-camera-start]");
    var shoot = form.querySelector("[data-camera-shoot]");
    var error = form.querySelector(".camera-error");
    start.addEventListener("click", function () {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        error.hidden = false;
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false })
        .then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          shoot.hidden = false;
          return video.play();
        })
        .catch(function () { error.hidden = false; });
    });
    shoot.addEventListener("click", function () {
      var canvas = document.createElement("canvas");
      canvas.width = video.videoWidth || 640;
      canvas.height = video.videoHeight || 480;
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var data = new FormData(form);
        data.set("photo", blob, "camera.jpg");
        stop(video);
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) {
            if (response.ok) window.location.reload();
            else response.text().then(function (text) { error.textContent = text; error.hidden = false; });
          });
      }, "image/jpeg", 0.85);
    });
  }

  function init() {
    document.querySelectorAll("form[data-camera]").forEach(setUp);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
