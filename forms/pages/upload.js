// The import form's upload progress. Without this script the form posts as any form does; with it,
// the same request goes by XMLHttpRequest so that the bar can follow the bytes sent.
(function () {
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    var button = document.getElementById("import-submit");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    bar.hidden = false;
    button.disabled = true;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = bar.value + "%";
      }
    });
    xhr.addEventListener("load", function () {
      // Only our own pages replace this one; anything else (a proxy's refusal) is said in words.
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (type.indexOf("text/html") !== 0) {
        button.disabled = false;
        status.textContent = (document.documentElement.lang === "en" ? "Refused: HTTP " : "未能上传：HTTP ") + xhr.status;
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      status.textContent = document.documentElement.lang === "en" ? "The upload failed." : "上传失败，请重试。";
    });
    xhr.send(new FormData(form));
  });
})();
