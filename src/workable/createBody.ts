/** Workable's POST /interviews body (Video Interview Providers contract), after validation. */
export interface CreateInterviewBody {
  interview_template_id: string;
  job_id?: string;
  job_title: string;
  callback_url: string;
  candidate: { first_name: string; last_name: string; email: string; phone?: string };
  preferences?: Record<string, unknown>;
}
