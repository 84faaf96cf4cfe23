/* QuietPage extension - what the highlighter (content/highlighter.js) needs of the shared
 * anchoring modules, in one module it can import() into a page: the page's text and selection
 * offsets, quotes and their matching, and the marks. Web-accessible, as the modules it imports.
 */
export { MARK_CLASS, paint } from "./anchoring/marks.js";
export { describe, QUOTE } from "./anchoring/match.js";
export { rangeOffsets, textPositions } from "./anchoring/text.js";
