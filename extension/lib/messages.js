/* QuietPage extension - how the popup and options pages ask the background worker (the only
 * one that talks to the server): one message, one answer, {ok: true, result} or
 * {ok: false, error: {code, message, hint}}.
 */
export const NO_WORKER = { code: "no_worker", message: "The extension's background worker did not answer.",
  hint: "Reload the extension, then try again." };

/** Sends `message` to the worker: resolves to its result, or rejects with its {code, message, hint}. */
export async function send(ext, message) {
  const answer = await ext.runtime.sendMessage(message);
  if (!answer) throw { ...NO_WORKER };
  if (!answer.ok) throw answer.error;
  return answer.result;
}

