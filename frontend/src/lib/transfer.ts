// Imports and exports over HTTP: uploads with progress and authenticated downloads.
import { ApiError, OfflineError, token } from "../api/client";

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
    xhr.setRequestHeader("Accept", "application/json");
    if (token.value) xhr.setRequestHeader("Authorization", `Token ${token.value}`);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.upload.onload = () => onUploaded();
    xhr.onload = () => {
      let data: any = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = { detail: xhr.responseText.slice(0, 200) };
      }
      resolve({ status: xhr.status, data });
    };
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
    response = await fetch(path, { headers: token.value ? { Authorization: `Token ${token.value}` } : {}, cache: "no-store" });
  } catch {
    throw new OfflineError();
  }
  if (!response.ok) {
    let detail = `HTTP ${response.status}`;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, detail);
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
