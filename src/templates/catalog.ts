/** The templates of "New Training Job" / `training-lens new`: what each trains and what data it needs. */
export const TEMPLATE_IDS = ['csv-classifier', 'image-folder', 'csv-regression', 'fine-tune'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface TemplateInfo {
  id: TemplateId;
  title: string;
  description: string;
  /** a CSV file or a folder of images with one sub-folder per class */
  data: 'csv' | 'image-folder';
  /** where the generated sample goes, relative to the job's folder */
  sample: string;
}

export const TEMPLATES: readonly TemplateInfo[] = [
  {
    id: 'csv-classifier',
    title: 'MLP classifier on a CSV file',
    description: 'numeric columns → a class column; He init + ReLU, Nadam, early stopping',
    data: 'csv',
    sample: 'data/flowers.csv',
  },
  {
    id: 'image-folder',
    title: 'CNN on a folder of images',
    description: 'one sub-folder per class (PNG or JPEG); He init + ReLU, Nadam, early stopping',
    data: 'image-folder',
    sample: 'data/shapes',
  },
  {
    id: 'csv-regression',
    title: 'MLP regression on a CSV file',
    description: 'numeric columns → a numeric target column; linear output, MSE, Nadam, early stopping',
    data: 'csv',
    sample: 'data/houses.csv',
  },
  {
    id: 'fine-tune',
    title: 'Fine-tune a pretrained base (transfer learning)',
    description: 'freeze the base, train a new head, then unfreeze its top (Hands-On ML ch.11) on a folder of images',
    data: 'image-folder',
    sample: 'data/shapes',
  },
];

export function templateInfo(id: string): TemplateInfo {
  const found = TEMPLATES.find(t => t.id === id);
  if (!found) throw new Error(`unknown template '${id}': use one of ${TEMPLATE_IDS.join(', ')}`);
  return found;
}
