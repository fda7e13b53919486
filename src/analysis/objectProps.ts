/**
 * What a resolved object or array literal holds: its properties by name (read in place from the AST for plain
 * literals, merged from spreads otherwise), and whether keys or elements we cannot see may exist.
 */
import ts from 'typescript';

const {
  isIdentifier,
  isNoSubstitutionTemplateLiteral,
  isNumericLiteral,
  isPropertyAssignment,
  isShorthandPropertyAssignment,
  isStringLiteral,
} = ts;

/** Reads an object property name that is statically known. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (isIdentifier(name) || isStringLiteral(name) || isNumericLiteral(name) || isNoSubstitutionTemplateLiteral(name))
    return name.text;
  return undefined;
}

export interface PropValue {
  value: ts.Expression;
  inline: boolean;
  assignment?: ts.ObjectLiteralElementLike;
}

/**
 * The properties of a resolved object, by name. Most configs are a plain literal (no spreads, no computed keys):
 * those are read straight from the AST, nothing copied. Merged objects (spreads) keep small arrays.
 */
export class Props {
  private names?: string[];
  private values?: (PropValue | 'unknown')[];

  /** literal mode: `literal`'s own properties, all of them plain `key: value` or shorthand */
  constructor(
    private readonly literal?: ts.ObjectLiteralExpression,
    private readonly inline = true,
  ) {}

  private findOwn(name: string): ts.PropertyAssignment | ts.ShorthandPropertyAssignment | undefined {
    const props = this.literal!.properties;
    for (let i = props.length - 1; i >= 0; i--) {
      const p = props[i] as ts.PropertyAssignment | ts.ShorthandPropertyAssignment;
      if (propertyNameText(p.name) === name) return p;
    }
    return undefined;
  }

  get(name: string): PropValue | 'unknown' | undefined {
    if (this.literal) {
      const p = this.findOwn(name);
      if (!p) return undefined;
      return { value: isPropertyAssignment(p) ? p.initializer : p.name, inline: this.inline, assignment: p };
    }
    const i = this.names ? this.names.indexOf(name) : -1;
    return i < 0 ? undefined : this.values![i];
  }
  /** Just the value expression (no wrapper object): what the sketch reads for every config key. */
  valueOf(name: string): ts.Expression | 'unknown' | undefined {
    if (this.literal) {
      const p = this.findOwn(name);
      return p && (isPropertyAssignment(p) ? p.initializer : p.name);
    }
    const v = this.get(name);
    return v === undefined || v === 'unknown' ? v : v.value;
  }
  has(name: string): boolean {
    return this.literal ? this.findOwn(name) !== undefined : (this.names?.indexOf(name) ?? -1) >= 0;
  }
  set(name: string, value: PropValue | 'unknown'): void {
    if (this.literal) throw new Error('Props: literal mode is read-only');
    const names = (this.names ??= []),
      values = (this.values ??= []);
    const i = names.indexOf(name);
    if (i >= 0) values[i] = value;
    else {
      names.push(name);
      values.push(value);
    }
  }
  forEach(f: (value: PropValue | 'unknown', name: string) => void): void {
    if (this.literal) {
      for (const p of this.literal.properties) {
        const name = propertyNameText(p.name!)!;
        f(this.get(name)!, name);
      }
      return;
    }
    for (let i = 0; i < (this.names?.length ?? 0); i++) f(this.values![i], this.names![i]);
  }
}

/** A resolved object literal: known properties (value expressions), and whether unknown keys may exist. */
export interface ObjectInfo {
  /** the literal written in place (not reached through a variable): the only one quick fixes may edit */
  literal: ts.ObjectLiteralExpression;
  inline: boolean;
  props: Props;
  /** a spread whose keys are not known: any key not listed may still be set */
  openEnded: boolean;
}

export interface ArrayElement {
  expr: ts.Expression;
  inline: boolean;
  repeat?: number;
}
export interface ArrayInfo {
  elements: ArrayElement[];
  openEnded: boolean;
}

/** Only `key: value` and shorthand properties with static names. */
export function isPlainLiteral(lit: ts.ObjectLiteralExpression): boolean {
  const props = lit.properties;
  for (let i = 0; i < props.length; i++) {
    const p = props[i];
    if (!(isPropertyAssignment(p) || isShorthandPropertyAssignment(p)) || propertyNameText(p.name) === undefined)
      return false;
  }
  return true;
}
