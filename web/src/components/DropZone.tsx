import { useRef, useState } from 'preact/hooks';
import { fmtBytes, fmtNumber } from '../format';
import { ErrorBox } from './ErrorBox';

/** A file with the path it had inside a dropped folder (`KS.2017.01.2017-02-03.05/001.jpg`). */
export type PickedFile = File & { relativePath?: string };

/** Reads a dropped folder recursively, keeping each file's path relative to the drop. */
async function filesOfEntry(entry: FileSystemEntry, prefix = ''): Promise<PickedFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    const f = file as PickedFile;
    f.relativePath = prefix + file.name;
    return [f];
  }
  if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    const all: FileSystemEntry[] = [];
    // readEntries answers in batches until it returns an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
      if (!batch.length) break;
      all.push(...batch);
    }
    const nested = await Promise.all(all.map((e) => filesOfEntry(e, `${prefix}${entry.name}/`)));
    return nested.flat();
  }
  return [];
}

/**
 * Drag-and-drop (files or folders) or the file pickers; keyboard users take the buttons.
 * `accept` filters the pickers only: the server checks every file and names the bad ones.
 */
export function DropZone({ id, accept, multiple, folders, files, onFiles, hint, disabled }: { id: string; accept: string; multiple: boolean; folders?: boolean; files: PickedFile[]; onFiles: (f: PickedFile[]) => void; hint: string; disabled?: boolean }) {
  const [over, setOver] = useState(false);
  const [readError, setReadError] = useState<Error | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);
  const dirInput = useRef<HTMLInputElement>(null);
  const total = files.reduce((s, f) => s + f.size, 0);
  const take = (picked: PickedFile[]) => {
    setReadError(undefined);
    onFiles(picked);
  };

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (disabled || !e.dataTransfer) return;
    const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter((x): x is FileSystemEntry => !!x);
    try {
      const dropped = entries.length ? (await Promise.all(entries.map((en) => filesOfEntry(en)))).flat() : [...e.dataTransfer.files];
      take(multiple ? dropped : dropped.slice(0, 1));
    } catch (err) {
      // An unreadable folder (moved, no permission) must not end as a silent drop that picks nothing.
      setReadError(new Error(`không đọc được tệp hoặc thư mục đã thả: ${err instanceof Error ? err.message : String(err)}`));
    }
  };

  return (
    <div
      class={`dropzone ${over ? 'over' : ''} ${disabled ? 'disabled' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void onDrop(e)}
      data-testid={`${id}-drop`}
    >
      <p>
        <strong>Kéo thả {folders ? 'tệp hoặc thư mục' : 'tệp'} vào đây</strong> hoặc
      </p>
      <div class="actions-row center">
        <button type="button" class="btn" onClick={() => fileInput.current?.click()} disabled={disabled}>
          Chọn tệp…
        </button>
        {folders && (
          <button type="button" class="btn" onClick={() => dirInput.current?.click()} disabled={disabled}>
            Chọn thư mục…
          </button>
        )}
      </div>
      <input
        ref={fileInput}
        id={id}
        type="file"
        class="sr-only"
        tabIndex={-1}
        accept={accept}
        multiple={multiple}
        aria-label="Chọn tệp"
        onChange={(e) => {
          const list = [...((e.target as HTMLInputElement).files ?? [])];
          take(list);
          (e.target as HTMLInputElement).value = '';
        }}
      />
      {folders && (
        <input
          ref={dirInput}
          type="file"
          class="sr-only"
          tabIndex={-1}
          multiple
          aria-label="Chọn thư mục"
          {...({ webkitdirectory: true } as Record<string, unknown>)}
          onChange={(e) => {
            const list = [...((e.target as HTMLInputElement).files ?? [])].map((f) => {
              const p = f as PickedFile;
              // Keep the case folder (the last folder): the server expects <case>/<page>.jpg.
              const parts = (f.webkitRelativePath || f.name).split('/');
              p.relativePath = parts.slice(-2).join('/');
              return p;
            });
            take(list);
            (e.target as HTMLInputElement).value = '';
          }}
        />
      )}
      <p class="hint">{hint}</p>
      {readError && <ErrorBox error={readError} title="Không đọc được tệp đã thả" />}
      {files.length > 0 && (
        <p class="picked" data-testid={`${id}-picked`}>
          Đã chọn {fmtNumber(files.length)} tệp, {fmtBytes(total)}
          {files.length <= 5 ? `: ${files.map((f) => f.relativePath ?? f.name).join(', ')}` : ''}.{' '}
          <button type="button" class="link" onClick={() => take([])} disabled={disabled}>
            Bỏ chọn
          </button>
        </p>
      )}
    </div>
  );
}
