/** Stylesheets are bundled by esbuild next to the script. */
declare module '*.css';
