# A booked service, as the operations system's schedule takes it.
{service_id: .data.service_id, client_id: .data.client_id,
 caregiver_id: .data.caregiver_id, starts_at: .data.scheduled_at,
 minutes: .data.duration_minutes, source_event: .id}
