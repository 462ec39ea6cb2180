/**
 * Imported by the job thread before it runs an import (src/intake/files/job-thread.ts setJobThreadSetup): a thread has
 * module state of its own, so the merge listeners createApp wired are wired again there.
 */
import { wireMergeListeners } from './merge-listeners.ts';

wireMergeListeners();
