# A payout, as the caregivers' app lists it.
{caregiver_id: .data.caregiver_id, payout_id: .data.payout_id,
 amount: .data.amount, paid_at: .time}
