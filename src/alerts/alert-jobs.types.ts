/** `alerts.match`: test one committed change of a report against every active alert. */
export interface AlertMatchPayload {
  seizureId: string;
  /** seq of the change in seizure_changes. */
  changeSeq: string;
}

/** `alerts.deliver-webhook`: POST one alert delivery to its webhook (the job id is the delivery id). */
export interface WebhookDeliveryPayload {
  deliveryId: string;
}

declare module '../jobs/job-registry.js' {
  interface JobPayloads {
    /** Tests one committed change of a report against the active alerts. */
    'alerts.match': AlertMatchPayload;
    /** POSTs one alert delivery to its webhook; retried with back-off. */
    'alerts.deliver-webhook': WebhookDeliveryPayload;
  }
}
