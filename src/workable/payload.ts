/** Workable's result payload, exactly as the Video Interview Providers contract shows it. */
export type WorkableStatus = 'pending' | 'completed' | 'declined' | 'expired' | 'rejected';
export type WorkableGrade = 'failed' | 'passed' | 'excelled';

/** Two levels of objects at most, no arrays; leaves are strings, numbers, booleans or null. */
export type DetailLeaf = string | number | boolean | null;
export type Details = Record<string, DetailLeaf | Record<string, DetailLeaf>>;

export interface WorkableResult {
  status: WorkableStatus;
  /** Mandatory when status is completed. */
  results_url?: string;
  interview?: {
    score?: string;
    grade?: WorkableGrade;
    summary?: string;
    details?: Details;
    /** hh:mm:ss */
    duration?: string;
  };
  /** PDF only, publicly reachable. */
  attachments?: Array<{ description: string; url: string }>;
}
