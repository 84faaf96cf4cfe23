// Editing an article's tags in place: chips with a remove button, an input that adds, and the
// suggestions not yet on the article offered as one-click chips. Saves with PATCH tags.
// `suggestionChips` is the chips alone, for a row of the reading list. Nothing suggested is on
// an article until the user clicks it (the server applies none by itself).
import { patch } from "./api.js";
import { announce, h } from "./dom.js";

const key = (name) => name.toLowerCase().replace(/[\s_\-]+/g, " ").trim();

/** The article's suggestions that are not among its tags (`names`), best first. */
export function openSuggestions(article, names = article.tags.map((t) => t.name)) {
  const have = new Set(names.map(key));
  return (article.suggested_tags || []).filter((t) => !have.has(key(t.name)));
}

const WHY = { yours: "one of your tags", page: "declared by the page", text: "found in the text" };

function chip(t, onclick) {
  return h("button.tag.suggested", { type: "button", "aria-label": `Add tag ${t.name}`,
    title: `Add “${t.name}” (${WHY[t.source] || t.source})`, onclick }, `+ ${t.name}`);
}

/**
 * One-click chips for an article's open suggestions (at most `limit`); a click adds that tag.
 * @param {(article) => void} onChange  called with the updated article
 */
export function suggestionChips(article, onChange, { limit = 5 } = {}) {
  const open = openSuggestions(article).slice(0, limit);
  if (!open.length) return null;
  const root = h("div.suggestions", { role: "group", "aria-label": "Suggested tags" }, h("span.muted", {}, "Suggested:"));
  const add = async (t, button) => {
    root.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      const names = [...article.tags.map((x) => x.name), t.name];
      onChange(await patch(`/api/articles/${encodeURIComponent(article.id)}`, { tags: names }), t.name);
    } catch (err) {
      root.querySelectorAll("button").forEach((b) => { b.disabled = false; });
      button.focus();
      announce(err.message);
    }
  };
  root.append(...open.map((t) => { const b = chip(t, () => add(t, b)); return b; }));
  return root;
}

/**
 * @param {object} article  {id, tags: [{name}], suggested_tags: [{name, source}]}
 * @param {(article) => void} onChange  called with the updated article
 * @param {string[]} vocabulary  the user's tags, for the input's completions
 */
export function tagsEditor(article, onChange, vocabulary = []) {
  const root = h("div.tags-editor");
  const listId = `tag-options-${article.id}`;
  let tags = article.tags.map((t) => t.name);

  const save = async (next) => {
    const before = tags;
    tags = next;
    render();
    try {
      const updated = await patch(`/api/articles/${encodeURIComponent(article.id)}`, { tags: next });
      Object.assign(article, updated);
      tags = updated.tags.map((t) => t.name);
      render();
      onChange(updated);
    } catch (err) {
      tags = before;
      render();
      announce(err.message);
    }
  };

  const render = () => {
    const have = new Set(tags.map(key));
    const suggestions = openSuggestions(article, tags);
    const input = h("input.tag-input", {
      type: "text", list: listId, placeholder: "Add a tag", "aria-label": "Add a tag", maxlength: 100,
      onkeydown: (e) => {
        if (e.key === "Enter" && input.value.trim()) {
          e.preventDefault();
          const name = input.value.trim().replace(/\s+/g, " ");
          if (!have.has(key(name))) save([...tags, name]);
          input.value = "";
        } else if (e.key === "Escape") input.blur();
      },
    });
    root.replaceChildren(...[
      h("ul.tags", { "aria-label": "Tags" }, tags.map((name) =>
        h("li.tag", {}, h("span", {}, name),
          h("button.tag-remove", { type: "button", "aria-label": `Remove tag ${name}`, title: "Remove",
            onclick: () => save(tags.filter((t) => key(t) !== key(name))) }, "×")))),
      input,
      h("datalist", { id: listId }, vocabulary.filter((v) => !have.has(key(v))).map((v) => h("option", { value: v }))),
      suggestions.length ? h("div.suggestions", { role: "group", "aria-label": "Suggested tags" }, h("span.muted", {}, "Suggested:"),
        suggestions.map((t) => chip(t, () => save([...tags, t.name])))) : null,
    ].filter(Boolean));
  };
  render();
  return root;
}
