/** Types of `import ... from 'training-lens'` inside this repository (examples, fixtures); users get a generated copy. */
declare module 'training-lens' {
  const toolkit: import('./index').Toolkit;
  export = toolkit;
}
