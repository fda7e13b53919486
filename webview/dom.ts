/** The one DOM helper of the webviews: an element with its properties and children, in one expression. */

/** Any property of the element (`className`, `title`, `onclick`, a component's `secondary`…), plus text and data-*. */
export type ElementProps<E> = Partial<Omit<E, 'dataset'>> & {
  /** text content (set before the children are appended) */
  text?: string;
  dataset?: Record<string, string>;
};

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps<HTMLElementTagNameMap[K]> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  const { text, dataset, ...rest } = props;
  Object.assign(e, rest);
  if (text !== undefined) e.textContent = text;
  if (dataset) Object.assign(e.dataset, dataset);
  e.append(...children);
  return e;
}
