/**
 * Marching squares over the surface grid the host sends: one set of line segments per contour level, in grid
 * coordinates (i along x, j along y; fractional where a level crosses a cell edge by linear interpolation).
 */
export type Segment = [number, number, number, number];

export interface Grid {
  nx: number;
  ny: number;
  values: number[];
}

/** Segments where f crosses `level`. Saddle cells (two opposite corners above) are split the same way every time. */
export function contourSegments(g: Grid, level: number): Segment[] {
  const out: Segment[] = [];
  const v = (i: number, j: number): number => g.values[j * g.nx + i];
  // where on the edge between corner values a and b the level lies (0..1)
  const t = (a: number, b: number): number => (a === b ? 0.5 : (level - a) / (b - a));
  for (let j = 0; j < g.ny - 1; j++) {
    for (let i = 0; i < g.nx - 1; i++) {
      const a = v(i, j),
        b = v(i + 1, j),
        c = v(i + 1, j + 1),
        d = v(i, j + 1);
      const code = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      // edge crossing points: bottom (a-b), right (b-c), top (d-c), left (a-d)
      const bottom = (): [number, number] => [i + t(a, b), j];
      const right = (): [number, number] => [i + 1, j + t(b, c)];
      const top = (): [number, number] => [i + t(d, c), j + 1];
      const left = (): [number, number] => [i, j + t(a, d)];
      const seg = (p: [number, number], q: [number, number]): void => {
        out.push([p[0], p[1], q[0], q[1]]);
      };
      switch (code) {
        case 1:
        case 14:
          seg(left(), bottom());
          break;
        case 2:
        case 13:
          seg(bottom(), right());
          break;
        case 3:
        case 12:
          seg(left(), right());
          break;
        case 4:
        case 11:
          seg(right(), top());
          break;
        case 6:
        case 9:
          seg(bottom(), top());
          break;
        case 7:
        case 8:
          seg(left(), top());
          break;
        case 5:
          seg(left(), top());
          seg(bottom(), right());
          break;
        case 10:
          seg(left(), bottom());
          seg(right(), top());
          break;
      }
    }
  }
  return out;
}
