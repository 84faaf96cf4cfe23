// Saving answers before the article's images are archived: while they come, a quiet note says
// so, and each image is shown from our own server as soon as its copy is there.
import { get } from "./api.js";
import { $, $$ } from "./dom.js";

const IMAGES_POLL_MS = 1500;

function showArchived(items) {
  const waiting = $$("img[data-qp-image]", $("#content"));
  for (const item of items) {
    if (!item.src) continue;
    for (const img of waiting) {
      if (img.dataset.qpImage !== item.url) continue;
      img.src = item.src;
      delete img.dataset.qpImage;
      delete img.dataset.qpOffline;
    }
  }
}

/** Follow the article's images (its `images` counts) until every one is archived or failed. */
export async function followImages(base, counts) {
  const note = $("#images-note");
  if (!counts || counts.total <= counts.archived + counts.failed) return;
  for (;;) {
    let got;
    try { got = await get(`${base}/images`); } catch { note.hidden = true; return; }
    showArchived(got.items);
    const c = got.images;
    if (c.total <= c.archived + c.failed || !got.archiving) { note.hidden = true; return; }
    note.textContent = `Keeping this article's images on your computer… ${c.archived} of ${c.total}`;
    note.hidden = false;
    await new Promise((resolve) => setTimeout(resolve, IMAGES_POLL_MS));
  }
}
