// Imports and exports over HTTP: uploads with progress and authenticated downloads.
import { ApiError, OfflineError, authorization, received } from "../api/client";

/** POSTs a multipart form with upload progress (fetch cannot report it). Rejects only when offline. */
export function upload(
  path: string,
  form: FormData,
  onProgress: (loaded: number, total: number) => void,
  onUploaded: () => void,
): Promise<{ status: number; data: any }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    for (const [name, value] of Object.entries({ Accept: "application/json", ...authorization() })) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.upload.onload = () => onUploaded();
    xhr.onload = () => resolve(received(xhr.status, xhr.responseText));
    xhr.onerror = () => reject(new OfflineError());
    xhr.send(form);
  });
}

/** The file name a Content-Disposition header gives, or the fallback. */
export function attachmentName(header: string | null, fallback: string): string {
  const match = header?.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  return match ? decodeURIComponent(match[1]) : fallback;
}

/** Downloads an authenticated file (a plain link cannot send the token) and saves it. */
export async function download(path: string, fallbackName: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(path, { headers: authorization(), cache: "no-store" });
  } catch {
    throw new OfflineError();
  }
  if (!response.ok) {
    const { status, data } = received(response.status, await response.text());
    throw new ApiError(status, data?.detail ?? `HTTP ${status}`, data?.errors);
  }
  const name = attachmentName(response.headers.get("Content-Disposition"), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
