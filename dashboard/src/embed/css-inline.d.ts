// Vite's `?inline` import: a stylesheet's processed text (the report's, for the widgets' shadow roots).
declare module '*.css?inline' {
  const css: string;
  export default css;
}
