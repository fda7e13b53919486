/**
 * Small CSV samples a template writes next to a new job when the user has no data yet. No small tabular data set
 * ships in the packages Training Lens depends on, so these are generated, seeded (the same file every time), with
 * the structure of real data: named columns in units, classes that overlap, features that correlate, a target that
 * is a noisy nonlinear function of its inputs.
 */
import { seededRandom } from '../toolkit/random';

export interface CsvSample {
  /** the file's text, header first */
  text: string;
  /** the column the job predicts */
  label: string;
  rows: number;
}

/** Standard normal draws (Box-Muller) from a seeded uniform generator. */
function normal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/**
 * Flower measurements in cm, three species (shaped like Fisher's iris: one species apart, two that overlap);
 * petal width grows with petal length within a species.
 */
export function classificationSample(rowsPerClass = 60, seed = 1): CsvSample {
  const z = normal(seededRandom(seed));
  const species = [
    { name: 'setosa', sepalL: [5.0, 0.35], sepalW: [3.4, 0.38], petalL: [1.46, 0.17], petalW: [0.25, 0.1] },
    { name: 'versicolor', sepalL: [5.9, 0.52], sepalW: [2.8, 0.31], petalL: [4.26, 0.47], petalW: [1.33, 0.2] },
    { name: 'virginica', sepalL: [6.6, 0.64], sepalW: [3.0, 0.32], petalL: [5.55, 0.55], petalW: [2.03, 0.27] },
  ] as const;
  const lines = ['sepal_length,sepal_width,petal_length,petal_width,species'];
  for (let i = 0; i < rowsPerClass; i++) {
    for (const s of species) {
      const petal = z();
      const row = [
        s.sepalL[0] + s.sepalL[1] * (0.6 * petal + 0.8 * z()),
        s.sepalW[0] + s.sepalW[1] * z(),
        s.petalL[0] + s.petalL[1] * petal,
        s.petalW[0] + s.petalW[1] * (0.7 * petal + 0.7 * z()),
      ].map(v => round(Math.max(0.1, v), 2));
      lines.push([...row, s.name].join(','));
    }
  }
  return { text: lines.join('\n') + '\n', label: 'species', rows: rowsPerClass * species.length };
}

/**
 * House sales: floor area (m²), rooms, age (years), distance to the centre (km) → price (k€). The price rises with
 * area, falls with age and distance (faster near the centre), with multiplicative noise.
 */
export function regressionSample(rows = 400, seed = 2): CsvSample {
  const random = seededRandom(seed);
  const z = normal(random);
  const lines = ['area_m2,rooms,age_years,distance_km,price_k'];
  for (let i = 0; i < rows; i++) {
    const area = Math.max(25, 95 + 35 * z());
    const rooms = Math.max(1, Math.round(area / 28 + 0.7 * z()));
    const age = Math.floor(random() * 80);
    const distance = 0.5 + 24 * random() ** 1.5;
    const price = (area * 3.1 + rooms * 12) * (1 - 0.003 * age) * (0.55 + 0.45 * Math.exp(-distance / 6));
    lines.push([round(area, 1), rooms, age, round(distance, 1), round(price * Math.exp(0.08 * z()), 1)].join(','));
  }
  return { text: lines.join('\n') + '\n', label: 'price_k', rows };
}
