/** The tray icon as a data URL, so the bundle needs no asset lookup at run time. */
export const TRAY_ICON_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAZElEQVR42mNgGAWDEejnv/5PCzyglhPlCFpbTtARow4gxZAPX36hYLo5AN1ichxCFQcQK05VBxCyhFhHjDpg6DpgwBPhoMiGA14QjTpg1AHE5IaR6YCRlwaGbMt48HdMRgG9AQDTwAO48Y0bwwAAAABJRU5ErkJggg==';
