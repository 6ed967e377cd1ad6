/**
 * What `electron` and `electron-store` resolve to inside electron/core (see electron/core/tsconfig.json
 * `paths`): nothing. Core runs on plain Node, so any import of them is a type error here, and the
 * global `Electron` namespace is never loaded into this project.
 */
export {};
