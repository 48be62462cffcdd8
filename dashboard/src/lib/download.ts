/**
 * Saves text as a file the browser downloads: a Blob behind a temporary link, clicked and removed,
 * its object URL released once the download has surely started. CSV files start with a byte-order
 * mark so that spreadsheet programs read them as UTF-8.
 */
export function downloadText(fileName: string, text: string, type: 'text/csv' | 'application/json'): void {
  const parts = type === 'text/csv' ? ['\uFEFF', text] : [text];
  const blob = new Blob(parts, { type: `${type};charset=utf-8` });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
