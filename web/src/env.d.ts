// Vite asset imports: `?url` resolves to the emitted file's URL at build time.
declare module '*?url' {
  const url: string;
  export default url;
}
