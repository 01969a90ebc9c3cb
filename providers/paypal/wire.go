package paypal
