/**
 * The import wizard's hook: its state (wizard-state.ts) and the API calls that move it on, plus the past runs and
 * the saved profiles shown beside it. Uploading, validating and running are background work the page polls.
 */
import { useReducer } from 'react';
import { importApi, type ImportPreview } from '../../api.ts';
import { useLoad } from '../../components/ui.tsx';
import { jobFailure, pollJob } from './jobs.ts';
import { toProfile, type Mapping } from './mapping.ts';
import { INITIAL_WIZARD, wizardReducer } from './wizard-state.ts';

export function useImportWizard() {
  const [state, dispatch] = useReducer(wizardReducer, INITIAL_WIZARD);
  const runs = useLoad(() => importApi.runs(), []);
  const profiles = useLoad(() => importApi.profiles(), []);
  const { file, upload, mapping, validating } = state;

  const submitUpload = async () => {
    if (!file) return;
    dispatch({ type: 'uploadStarted' });
    try {
      dispatch({ type: 'uploaded', upload: await importApi.upload(file) });
    } catch (error) {
      dispatch({ type: 'failed', error });
    } finally {
      dispatch({ type: 'idle' });
    }
  };

  const validate = async () => {
    if (!upload || !mapping) return;
    dispatch({ type: 'validateStarted' });
    try {
      // A background job (a million rows take minutes): poll how far it has read until it ends.
      const started = await importApi.startValidation(upload.uploadId, toProfile(mapping));
      const job = await pollJob(started, importApi.validation, (j) => dispatch({ type: 'validationProgress', job: j }), 400);
      if (job.status === 'cancelled') dispatch({ type: 'validationCancelled' });
      else if (job.status === 'failed' || !job.report) throw jobFailure(job, 'Validation failed');
      else dispatch({ type: 'validated', report: job.report });
    } catch (error) {
      dispatch({ type: 'validationFailed', error });
    } finally {
      dispatch({ type: 'validateEnded' });
    }
  };

  /** Reads the header from another line (1-based), or detects it again (null): the preview and the mapping follow. */
  const setHeaderRow = async (headerRow: number | null): Promise<ImportPreview | null> => {
    if (!upload) return null;
    dispatch({ type: 'uploadStarted' });
    try {
      const preview = await importApi.preview(upload.uploadId, headerRow);
      dispatch({ type: 'previewed', preview });
      return preview;
    } catch (error) {
      dispatch({ type: 'failed', error });
      return null;
    } finally {
      dispatch({ type: 'idle' });
    }
  };

  /** Stops the running validation; the poll in validate() sees it end as cancelled. */
  const stopValidation = () => {
    if (validating) void importApi.stopValidation(validating.id).catch((error: unknown) => dispatch({ type: 'failed', error }));
  };

  const run = async () => {
    if (!upload || !mapping) return;
    dispatch({ type: 'runStarted' });
    try {
      // A background job: poll its progress (rows read, share of the file) until it finishes.
      const started = await importApi.startJob(upload.uploadId, toProfile(mapping));
      const job = await pollJob(started, importApi.job, (j) => dispatch({ type: 'runProgress', progress: j.progress }), 500);
      if (job.status === 'failed' || !job.summary) throw jobFailure(job, 'Import failed');
      dispatch({ type: 'ran', summary: job.summary });
      void runs.reload();
      void profiles.reload();
    } catch (error) {
      dispatch({ type: 'failed', error });
    } finally {
      dispatch({ type: 'idle' });
    }
  };

  /** The saved profile of the source code typed in, offered as 「保存済みの設定を使う」. */
  const savedProfile = upload && mapping ? profiles.data?.items.find((p) => p.source === mapping.source.trim()) : undefined;

  return {
    state,
    runs,
    profiles: profiles.data?.items ?? [],
    savedProfile,
    chooseFile: (next: File | null) => dispatch({ type: 'file', file: next }),
    setMapping: (next: Mapping) => dispatch({ type: 'mapping', mapping: next }),
    reset: () => dispatch({ type: 'reset' }),
    submitUpload,
    setHeaderRow,
    validate,
    stopValidation,
    run,
  };
}

export type ImportWizard = ReturnType<typeof useImportWizard>;
