/* QuietPage extension - a save in progress, per tab, kept where the popup can watch it
 * (storage.session, which the browser empties when it quits): {phase, bytes, startedAt,
 * updatedAt, result?, error?}. The save itself runs in the background worker, so closing the
 * popup never stops it; a popup opened again meanwhile shows where it got to.
 *
 * Phases: "reading" (the page in the tab), "sending" (to the server, which makes the reader
 * view: most of the time of a big page), then "done" or "failed".
 */

export const PHASES = ["reading", "sending", "done"];
// A job not heard of for this long died with its worker (the browser stopped it): forget it.
export const STALE_MS = 3 * 60 * 1000;

export const jobKey = (tabId) => `job:${tabId}`;

export function createJobs(ext, now = () => Date.now()) {
  const area = (ext.storage && ext.storage.session) || null;

  async function write(tabId, job) {
    if (area) await area.set({ [jobKey(tabId)]: job }).catch(() => null);
    return job;
  }

  /** The tab's job, or null (none, or a stale unfinished one). */
  async function get(tabId) {
    if (!area || tabId == null) return null;
    const job = (await area.get(jobKey(tabId)).catch(() => ({})))[jobKey(tabId)] || null;
    if (job && !isFinal(job) && now() - job.updatedAt > STALE_MS) return null;
    return job;
  }

  /** A new job for the tab: {phase(name, extra), done(result), failed(error)}, each stored. */
  function start(tabId) {
    const startedAt = now();
    let job = { phase: "reading", startedAt, updatedAt: startedAt, bytes: null };
    const update = (changes) => write(tabId, (job = { ...job, ...changes, updatedAt: now() }));
    update({});
    return {
      phase: (phase, extra = {}) => update({ phase, ...extra }),
      done: (result) => update({ phase: "done", result }),
      failed: (error) => update({ phase: "failed", error }),
    };
  }

  return { start, get };
}

export const isFinal = (job) => job.phase === "done" || job.phase === "failed";
