# A client's rating of a service, on the client's record in the CRM.
{client_id: .data.client_id, service_id: .data.service_id,
 rating: .data.rating, comment: .data.comment, received_at: .time}
