# An assignment, as the caregivers' app shows it to its caregiver.
{caregiver_id: .data.caregiver_id, service_id: .data.service_id,
 starts_at: .data.scheduled_at, minutes: .data.duration_minutes}
