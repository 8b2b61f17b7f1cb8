# A payment, on the client's record in the CRM.
{client_id: .data.client_id, payment_id: .data.payment_id,
 invoice_id: .data.invoice_id, amount: .data.amount,
 currency: (.data.currency // "BRL"), received_at: .time}
