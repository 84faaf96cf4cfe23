// The trash: what was deleted, when it goes for good, Restore; "Empty trash" after a confirmation.
import { del, newestOnly, post, withQuery } from "./api.js";
import { $, announce, h, hostOf, plural, relativeDate, timeEl } from "./dom.js";

const PAGE = 50;
const view = { items: [], cursor: null, total: 0 };

const fetchPage = newestOnly($("#items"));

async function load({ append = false } = {}) {
  try {
    const page = await fetchPage(withQuery("/api/articles", { state: "trash", sort: "deleted", order: "desc", limit: PAGE,
      cursor: append ? view.cursor : null }));
    if (!page) return;
    view.items = append ? view.items.concat(page.items) : page.items;
    view.cursor = page.next_cursor;
    view.total = page.total;
    render();
  } catch (err) {
    announce(err.message, { timeout: 15000 });
  }
}

function render() {
  $("#result-count").textContent = view.total ? `${plural(view.total, "article")} in the trash` : "";
  $("#items").replaceChildren(...view.items.map(item));
  $("#empty").hidden = view.total > 0;
  $("#empty-trash").hidden = view.total === 0;
  $("#more").hidden = !view.cursor;
}

function item(a) {
  const goes = a.purge_at ? h("span", {}, " · goes for good ", h("time", { datetime: a.purge_at }, relativeDate(a.purge_at))) : null;
  return h("li.item", { dataset: { id: a.id } },
    h("div.item-main", {},
      h("span.title", {}, a.title || a.url),
      h("div.meta", {}, h("bdi", {}, a.site_name || hostOf(a.url)), " · deleted ", timeEl(a.deleted_at), goes)),
    h("div.actions.shown", {},
      h("button.action", { type: "button", onclick: () => restore(a) }, "Restore")));
}

async function restore(a) {
  try {
    await post(`/api/articles/${encodeURIComponent(a.id)}/restore`);
    announce(`Restored “${a.title}” to your reading list.`);
    load();
  } catch (err) { announce(err.message); }
}

function confirmEmpty() {
  const dialog = $("#confirm-empty");
  $("#confirm-text").textContent = `${plural(view.total, "article")} and ${view.total === 1 ? "its" : "their"} highlights and notes will be deleted for good. This cannot be undone.`;
  dialog.returnValue = "";
  dialog.showModal();
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "empty") return;
    try {
      const { purged } = await del("/api/trash");
      announce(`Deleted ${plural(purged, "article")} for good.`);
      load();
    } catch (err) { announce(err.message); }
  }, { once: true });
}

$("#empty-trash").addEventListener("click", confirmEmpty);
$("#more").addEventListener("click", () => load({ append: true }));
load();
