/**
 * The "why" figure of the Sweep panel (SVG bars): per hyper-parameter, how strongly the score follows it over the
 * finished trials — Spearman's ρ for numbers (signed: which way the metric moves), the correlation ratio η for
 * choices (src/protocol/sweepImportance.ts) — strongest first.
 */
import { paramImportance, type SweepRecord } from '../src/protocol';

const NS = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Array<Node | string>
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

export function importanceFigure(s: SweepRecord): SVGSVGElement | undefined {
  const ranked = paramImportance(s);
  if (ranked.length === 0 || !s.metric) return undefined;
  const row = 22,
    labelW = 150,
    barW = 220,
    width = labelW + barW + 90;
  const root = svg('svg', {
    id: 'importance',
    viewBox: `0 0 ${width} ${ranked.length * row + 8}`,
    role: 'img',
    'aria-label': `How strongly ${s.metric.name} follows each hyper-parameter: ${ranked.map(p => `${p.name} ${p.kind === 'spearman' ? 'rho' : 'eta'} ${p.value.toFixed(2)}`).join(', ')}`,
  });
  ranked.forEach((p, i) => {
    const top = 4 + i * row;
    const g = svg('g', { class: `param ${p.kind} ${p.value < 0 ? 'neg' : 'pos'}`, 'data-param': p.name });
    g.append(svg('text', { x: labelW - 8, y: top + 14, 'text-anchor': 'end', class: 'label' }, p.name));
    g.append(
      svg('rect', { x: labelW, y: top + 3, width: Math.max(1, p.strength * barW), height: row - 8, class: 'bar' }),
    );
    g.append(
      svg(
        'text',
        { x: labelW + p.strength * barW + 6, y: top + 14, class: 'value' },
        `${p.kind === 'spearman' ? 'ρ' : 'η'} ${p.value.toFixed(2)}`,
      ),
    );
    root.append(g);
  });
  return root;
}
