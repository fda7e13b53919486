/** New Training Job: the templates, their sample data, and the writer of a job file. */
export { TEMPLATES, TEMPLATE_IDS, templateInfo, type TemplateId, type TemplateInfo } from './catalog';
export { createJob, type NewJob, type NewJobOptions } from './newJob';
