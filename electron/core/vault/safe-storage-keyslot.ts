/** Entry point for electron/main: the SafeStoragePort it implements over Electron's safeStorage (the keyslot lives in keyslots/). */
export { assertSafeStorageUsable, type SafeStoragePort } from './keyslots/safe-storage-keyslot.ts';
