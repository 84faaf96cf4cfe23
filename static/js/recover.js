// The reader's notice above a page not read yet (it took too long to read) or a saved copy gone
// missing (web/notices.py renders it): "Read again" reads the page as captured again, "Fetch it
// again" fetches it from its address; then the page shows the article as it now is.
import { get, post } from "./api.js";
import { $, $$ } from "./dom.js";

const notice = $("#recover");
const pause = (ms) => new Promise((done) => setTimeout(done, ms));

async function fetchAgain(id) {
  let job = await post("/api/fetch-jobs", { ids: [id] });
  while (job.state === "running") {
    await pause(500);
    job = await get(`/api/fetch-jobs/${encodeURIComponent(job.id)}`);
  }
  const mine = (job.errors || []).find((e) => e.article_id === id);
  if (mine) throw new Error(`It could not be fetched: ${mine.error}`);
  if (!job.fetched) throw new Error("It could not be fetched; try again in a moment.");
}

async function recover(action, status) {
  const id = $("#main").dataset.articleId;
  const buttons = $$("[data-recover]", notice);
  buttons.forEach((b) => { b.disabled = true; });
  try {
    if (action === "read-again") {
      status.textContent = "Reading the page again…";
      await post(`/api/articles/${encodeURIComponent(id)}/read-again`);
    } else {
      status.textContent = "Fetching the page again…";
      await fetchAgain(id);
    }
    status.textContent = "Done: showing it now.";
    location.reload();
  } catch (err) {
    status.textContent = err.message;
    buttons.forEach((b) => { b.disabled = false; });
  }
}

if (notice) {
  const status = $("#recover-status", notice);
  for (const button of $$("[data-recover]", notice)) {
    button.addEventListener("click", () => recover(button.dataset.recover, status));
  }
}
