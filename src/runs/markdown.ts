/** Text from a run folder (untrusted) shown inside Markdown: every ASCII punctuation mark is escaped (CommonMark
 * allows a backslash before any of them), so the text can open no link, image, code span, emphasis or HTML tag. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&').replace(/\r?\n/g, '  \n');
}
