// Progressive enhancement of the server-rendered page: copy buttons, "Chia sẻ tiếp" through
// the Web Share API after the same confirmation the extension's gate asks for, and the
// service worker (offline decisions of listed links). Without JavaScript the page still works.

const lang = document.documentElement.lang === "en" ? "en" : "vi";
const T = {
  vi: { copied: "Đã sao chép.", copyFailed: "Không sao chép được; hãy chọn và sao chép tay.",
        unsupported: "Trình duyệt này không hỗ trợ chia sẻ trực tiếp; hãy sao chép liên kết.",
        shared: "Đã chuyển liên kết sang ứng dụng chia sẻ.", cancelled: "Đã hủy chia sẻ." },
  en: { copied: "Copied.", copyFailed: "Could not copy; select the link and copy it by hand.",
        unsupported: "This browser cannot share directly; copy the link instead.",
        shared: "The link was handed to the share sheet.", cancelled: "Sharing cancelled." },
}[lang];

for (const button of document.querySelectorAll("button.copy")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.target);
    const status = button.parentElement.querySelector(".copied");
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = T.copied;
    } catch {
      input.select();
      status.textContent = T.copyFailed;
    }
  });
}

for (const box of document.querySelectorAll(".share-on")) {
  box.hidden = false;
  const check = box.querySelector(".confirm-box");
  const button = box.querySelector("button.share");
  const status = box.querySelector(".share-status");
  check.addEventListener("change", () => { button.disabled = !check.checked; });
  button.addEventListener("click", async () => {
    if (!check.checked) return;
    if (!navigator.share) {
      status.textContent = T.unsupported;
      return;
    }
    try {
      await navigator.share({ url: box.dataset.url });
      status.textContent = T.shared;
    } catch {
      status.textContent = T.cancelled;
    }
  });
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
