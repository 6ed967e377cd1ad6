/** Stylesheets imported for their side effect; Vite bundles them under the app's CSP (style-src 'self'). */
declare module '*.css';
